import type { Config } from 'jest';

// One project per package. Tests import `@sluice/*` from source (no build needed), except
// the packaging smoke tests, which load the built dist/ through Node itself.
const packages = ['core', 'conformance', 'redis', 'postgres', 'express', 'koa', 'fastify', 'client', 'prometheus', 'opentelemetry', 'cli'];

const transform: Config['transform'] = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

const config: Config = {
  projects: packages.map((name) => ({
    displayName: name,
    rootDir: `<rootDir>/packages/${name}`,
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testEnvironment: 'node',
    transform,
    // Fastify's inject() loads cookie@2, published only as an ES module: let swc compile it.
    transformIgnorePatterns: ['^(?!.*/node_modules/cookie/).*/node_modules/'],
    moduleNameMapper: {
      '^@sluice/([a-z-]+)$': '<rootDir>/../$1/src/index.ts',
      '^@sluice/core/store$': '<rootDir>/../core/src/store/index.ts',
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
  })),
  testTimeout: 30_000,
};

export default config;
