#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so a checkout runs with no separate server build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main();
