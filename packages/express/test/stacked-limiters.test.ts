import { runStackedLimiters } from '../../../test/adapter-behaviour/index.js';
import { expressHarness } from './express-harness.js';

runStackedLimiters(expressHarness);
