import { runStackedLimiters } from '../../../test/adapter-behaviour/index.js';
import { fastifyHarness } from './fastify-harness.js';

runStackedLimiters(fastifyHarness);
