import { runCallbackFailures } from '../../../test/adapter-behaviour/index.js';
import { expressHarness } from './express-harness.js';

runCallbackFailures(expressHarness);
