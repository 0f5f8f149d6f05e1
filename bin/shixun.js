#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like `npm start`, so there is no build step to forget.
require('tsx/cjs');
require('../src/cli/main.ts');
