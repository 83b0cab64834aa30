import { runCallbackFailures } from '../../../test/adapter-behaviour/index.js';
import { koaHarness } from './koa-harness.js';

runCallbackFailures(koaHarness);
