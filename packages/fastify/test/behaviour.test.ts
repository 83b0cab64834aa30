import { runAdapterBehaviour } from '../../../test/adapter-behaviour/index.js';
import { fastifyHarness } from './fastify-harness.js';

runAdapterBehaviour(fastifyHarness);
