import { runAdapterBehaviour } from '../../../test/adapter-behaviour/index.js';
import { koaHarness } from './koa-harness.js';

runAdapterBehaviour(koaHarness);
