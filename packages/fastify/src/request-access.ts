import type { RequestAccess } from '@sluice/core';
import type { FastifyRequest } from 'fastify';

/** How core reads a Fastify request. `request.ip` honours the instance's `trustProxy` option. */
export const fastifyAccess: RequestAccess<FastifyRequest> = {
  ip: (request) => request.ip,
  socketIp: (request) => request.socket?.remoteAddress,
  header: (request, name) => request.headers[name],
  method: (request) => request.method,
  route: (request) => request.routeOptions.url ?? request.url,
};
