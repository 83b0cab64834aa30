import { runStackedLimiters } from '../../../test/adapter-behaviour/index.js';
import { koaHarness } from './koa-harness.js';

runStackedLimiters(koaHarness);
