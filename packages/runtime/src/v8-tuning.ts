/**
 * V8 settings every Sift process takes before the rest of its code loads: each entry point (the services, `sift`,
 * a work pool's worker) imports this module first.
 *
 * TurboFan optimises a function once it has run for a budget of bytecode. At V8's default (66 KB) most of what a
 * file goes through — pdf.js, mammoth, the page reader, zod, nats.js — is optimised while the first few hundred
 * files are read, on background threads, and much of it never runs long enough to pay that back: on the bench
 * corpus compiling was a quarter to a third of all CPU, in one process and over NATS alike. At eight times the
 * budget only code that stays hot is optimised (the corpus: about a fifth less CPU either way; at sixteen times,
 * hot code waited too long). A budget given on the command line is left as it is.
 */
import { setFlagsFromString } from "node:v8";

export const INTERRUPT_BUDGET = 8 * 67_584;

if (!process.execArgv.some((a) => /^--interrupt[-_]budget=/.test(a))) {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
