export interface EmailMessage {
  to: string;
  /** e.g. "Retailer <orders@shop.example>" (EMAIL_FROM). */
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The same key for every attempt of one message, so a provider sends it once. */
  idempotencyKey: string;
}

export interface SmsMessage {
  /** E.164, e.g. +15551234567. */
  to: string;
  body: string;
  idempotencyKey: string;
}

export interface SendResult {
  /** The provider's id of the accepted message. */
  providerId: string;
}

/** Sends one email; throws DeliveryError when the provider did not accept it. */
export interface EmailChannel {
  readonly provider: string;
  send(message: EmailMessage): Promise<SendResult>;
}

/** Sends one SMS; throws DeliveryError when the provider did not accept it. */
export interface SmsChannel {
  readonly provider: string;
  send(message: SmsMessage): Promise<SendResult>;
}
