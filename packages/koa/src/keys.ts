import { createKeyBuilders } from '@sluice/core';
import type { Context } from 'koa';
import { koaAccess } from './request-access.js';

/** Ready-made key functions over the Koa context: `keys.ip()`, `keys.header('x-api-key')`, `keys.user(ctx => ctx.state.user?.id)`. */
export const keys = createKeyBuilders<Context>(koaAccess);
