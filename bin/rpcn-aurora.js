#!/usr/bin/env node
// Entry for `npx rpcn-aurora`: registers the TypeScript loader, then runs the CLI in bin/cli.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
const code = await main(process.argv);
// Exit explicitly with the command's code: every command has finished its work by now, and an idle handle (an SDK
// socket, a timer) must not keep the process alive. Local database servers are stopped by their exit hook.
process.exit(code);
