import type { Decision, RateLimitOptions } from '@sluice/core';
import type { Request, Response } from 'express';

/** Sends a custom response for a denied request; the status, rate-limit headers and Retry-After are already set. */
export type ExpressOnLimited = (req: Request, res: Response, decision: Decision) => void | Promise<void>;

/**
 * Options of Express's `rateLimit`: core's RateLimitOptions with callbacks that get `req`
 * (`key`, `cost`, `skip`, `policies`) and an `onLimited(req, res, decision)`. Validated once,
 * when `rateLimit` is called (InvalidOptionError naming the option). See docs/express.md.
 */
export type ExpressRateLimitOptions = RateLimitOptions<Request, ExpressOnLimited>;
