import { createKeyBuilders } from '@sluice/core';
import type { FastifyRequest } from 'fastify';
import { fastifyAccess } from './request-access.js';

/** Ready-made key functions: `keys.ip()`, `keys.header('x-api-key')`, `keys.user(request => request.user?.id)`. */
export const keys = createKeyBuilders<FastifyRequest>(fastifyAccess);
