import { createKeyBuilders } from '@sluice/core';
import type { Request } from 'express';
import { expressAccess } from './request-access.js';

/** Ready-made key functions: `keys.ip()`, `keys.header('x-api-key')`, `keys.user(req => req.user?.id)`. */
export const keys = createKeyBuilders<Request>(expressAccess);
