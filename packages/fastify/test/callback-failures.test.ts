import { runCallbackFailures } from '../../../test/adapter-behaviour/index.js';
import { fastifyHarness } from './fastify-harness.js';

runCallbackFailures(fastifyHarness);
