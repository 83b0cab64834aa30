import type { Decision, RateLimitOptions } from '@sluice/core';
import type { Request, Response } from 'express';

/** Sends a custom response for a denied request; the status, rate-limit headers and Retry-After are already set. */
export type ExpressOnLimited = (req: Request, res: Response, decision: Decision) => void | Promise<void>;

export type ExpressRateLimitOptions = RateLimitOptions<Request, ExpressOnLimited>;
