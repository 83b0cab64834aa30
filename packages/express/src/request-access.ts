import { normalizeRoutePath, type RequestAccess, type RouteMatching } from '@sluice/core';
import type { Request } from 'express';

/** The app's own routing settings (a sub-app's own when the middleware runs inside one). */
function matchingOf(req: Request, matching: RouteMatching | undefined): [caseSensitive: boolean, strict: boolean] {
  const app = req.app as Request['app'] | undefined;
  return [
    matching?.caseSensitive ?? app?.enabled('case sensitive routing') === true,
    matching?.strict ?? app?.enabled('strict routing') === true,
  ];
}

/** How core reads an Express request. `req.ip` honours the app's `trust proxy` setting. */
export const expressAccess: RequestAccess<Request> = {
  ip: (req) => req.ip,
  socketIp: (req) => req.socket.remoteAddress,
  header: (req, name) => req.headers[name],
  method: (req) => req.method,
  // Route middleware knows its pattern (`req.route.path`) below the mount path (`req.baseUrl`,
  // the matched text, so normalised too); app.use() middleware runs before routing and sees
  // only the path, normalised as the router compares paths.
  route: (req, matching) => {
    const [caseSensitive, strict] = matchingOf(req, matching);
    const pattern = (req.route as { path?: unknown } | undefined)?.path;
    if (pattern !== undefined) return normalizeRoutePath(req.baseUrl, caseSensitive, strict) + String(pattern);
    return normalizeRoutePath(req.baseUrl + req.path, caseSensitive, strict);
  },
};
