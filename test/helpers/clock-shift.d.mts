/** See clock-shift.mjs: performance.now() + shift = process.hrtime in ms. */
export function clockShift(): number;
