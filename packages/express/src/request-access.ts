import type { RequestAccess } from '@sluice/core';
import type { Request } from 'express';

/** How core reads an Express request. `req.ip` honours the app's `trust proxy` setting. */
export const expressAccess: RequestAccess<Request> = {
  ip: (req) => req.ip,
  socketIp: (req) => req.socket.remoteAddress,
  header: (req, name) => req.headers[name],
  method: (req) => req.method,
  // Inside a route, the route's pattern; in app.use() middleware, the path itself.
  route: (req) => req.baseUrl + ((req.route as { path?: unknown } | undefined)?.path ?? req.path),
};
