const formatters = new Map<string, Intl.NumberFormat>();

function formatter(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, format);
  }
  return format;
}

/** "1999" with 2 digits -> "19.99", exactly (no floating point). */
function toDecimal(amountMinor: number, digits: number): `${number}` {
  const sign = amountMinor < 0 ? "-" : "";
  const abs = String(Math.abs(amountMinor)).padStart(digits + 1, "0");
  const decimal = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return `${sign}${decimal}` as `${number}`;
}

/**
 * Formats an amount in minor units (cents, yen, fils) as money, using the
 * currency's own number of fraction digits: USD 1999 -> "$19.99",
 * JPY 1500 -> "¥1,500", KWD 1500 -> "KWD 1.500".
 */
export function formatMoney(amountMinor: number, currency: string, locale = "en-US"): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  }
  const format = formatter(locale, currency.toUpperCase());
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(toDecimal(amountMinor, digits));
}
