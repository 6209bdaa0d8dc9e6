#!/usr/bin/env node
// Entry for `npx rpcn-aurora`: registers the TypeScript loader, then runs the CLI in bin/cli.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);
