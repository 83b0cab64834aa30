import { runProcessSurvival } from '../../../test/adapter-behaviour/index.js';

runProcessSurvival('express');
