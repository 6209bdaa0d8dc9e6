// Every command of the CLI, registered in the order `--help` lists them.
import type { Command } from 'commander';
import type { Io } from '../cli-support.js';
import { registerDemo } from './demo.js';
import { registerDiagnose } from './diagnose.js';
import { registerDoctor } from './doctor.js';
import { registerOperate } from './operate.js';
import { registerStatus } from './status.js';
import { registerLint } from './lint.js';
import { registerPlan } from './plan.js';
import { registerSynth } from './synth.js';

export function registerCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  registerPlan(program, io, setExit);
  registerLint(program, io, setExit);
  registerDiagnose(program, io, setExit);
  // A deployed app: provision, watch, validate, rotate, teardown, then status and doctor.
  registerOperate(program, io, setExit);
  registerStatus(program, io, setExit);
  registerDoctor(program, io, setExit);
  registerDemo(program, io, setExit);
  registerSynth(program, io, setExit);
}
