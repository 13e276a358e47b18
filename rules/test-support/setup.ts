import { setDefaultRules } from '@lambda-lint/linter';
import { allRules } from '../index.js';

setDefaultRules(allRules);
