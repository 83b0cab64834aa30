// Framework-agnostic middleware plumbing shared by the Express, Koa and Fastify adapters.
export {};
