export { DeliveryError } from "./delivery-error.js";
export { OutboxEmailChannel, type OutboxEntry, type OutboxLog, OutboxSmsChannel } from "./outbox.js";
export { isRetryableResendError, ResendEmailChannel, type ResendEmailChannelOptions } from "./resend.js";
export { type ChannelSettings, OUTBOX_EMAIL_FROM, type SelectedChannels, selectChannels } from "./select.js";
export { TwilioSmsChannel, type TwilioSmsChannelOptions } from "./twilio.js";
export type { EmailChannel, EmailMessage, SendResult, SmsChannel, SmsMessage } from "./types.js";
