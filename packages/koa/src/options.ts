import type { Decision, RateLimitOptions } from '@sluice/core';
import type { Context } from 'koa';

/** Sets a custom response (ctx.body, ...) for a denied request; the status and rate-limit headers are already set. */
export type KoaOnLimited = (ctx: Context, decision: Decision) => void | Promise<void>;

/** Functions receive the Koa context (`key(ctx)`, `cost(ctx)`, `skip(ctx)`, `policies(ctx)`). */
export type KoaRateLimitOptions = RateLimitOptions<Context, KoaOnLimited>;
