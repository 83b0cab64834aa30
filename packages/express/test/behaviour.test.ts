import { runAdapterBehaviour } from '../../../test/adapter-behaviour/index.js';
import { expressHarness } from './express-harness.js';

runAdapterBehaviour(expressHarness);
