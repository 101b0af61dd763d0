/** The public API of perfprobe for suite authors. */
export * from './functions/core/suite/define-suite.ts';
