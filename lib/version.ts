// The product version (package.json): every stack publishes it as its `Version` output, and
// `rpcn-aurora doctor` compares the deployed stacks with the CLI's own.
import { readFileSync } from 'node:fs';

export const PRODUCT_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Name of the output that carries PRODUCT_VERSION in every stack. */
export const VERSION_OUTPUT = 'Version';
