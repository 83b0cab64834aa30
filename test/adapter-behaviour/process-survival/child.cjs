// Runs the failing-callback matrix for one adapter in a plain Node process that listens for
// uncaughtException and unhandledRejection itself (Jest's sandbox cannot see process events).
// TypeScript sources load through swc, as in Jest: `@sluice/<pkg>` maps to packages/<pkg>/src.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const sluice = /^@sluice\/([a-z-]+)$/.exec(request);
  if (sluice !== null) return path.join(root, 'packages', sluice[1], 'src/index.ts');
  if (request.startsWith('.') && request.endsWith('.js') && parent?.filename?.endsWith('.ts')) {
    const ts = path.resolve(path.dirname(parent.filename), request.slice(0, -3) + '.ts');
    if (fs.existsSync(ts)) return ts;
  }
  return resolve.call(this, request, parent, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

require('./run-matrix.ts').main(process.argv[2]);
