/** Units that can be sold now; never negative even if data were inconsistent. */
export const availableQuantity = (onHand: number, reserved: number): number => Math.max(0, onHand - reserved);
