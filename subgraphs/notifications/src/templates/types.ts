export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface SmsContent {
  text: string;
}

/** What every template may use besides its data. */
export interface TemplateContext {
  /** The shop's name (SHOP_NAME), in subjects, the layout and SMS. */
  shopName: string;
  /** BCP 47 locale of money and dates; default en-US. */
  locale: string;
  /** IANA time zone of dates; default UTC. */
  timeZone: string;
}

/** Money is always an integer amount in the currency's minor units. */
export interface OrderLine {
  productName: string;
  variantName?: string | null;
  sku: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface PostalAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2, e.g. "US". */
  country: string;
}
