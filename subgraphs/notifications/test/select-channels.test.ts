import { ConfigError } from "@retailer/kit";
import { describe, expect, it } from "vitest";
import {
  OUTBOX_EMAIL_FROM,
  OutboxEmailChannel,
  OutboxSmsChannel,
  ResendEmailChannel,
  selectChannels,
  TwilioSmsChannel,
} from "../src/channels/index.js";

const log = () => {};

describe("selectChannels", () => {
  it("uses the outboxes without provider settings", () => {
    const channels = selectChannels({ RESEND_API_KEY: "", SMS_TWILIO_ACCOUNT_SID: "" }, log);
    expect(channels.email).toBeInstanceOf(OutboxEmailChannel);
    expect(channels.sms).toBeInstanceOf(OutboxSmsChannel);
    expect(channels.emailFrom).toBe(OUTBOX_EMAIL_FROM);
  });

  it("uses Resend and Twilio when configured", () => {
    const channels = selectChannels(
      {
        RESEND_API_KEY: "re_123",
        EMAIL_FROM: "Shop <orders@shop.example>",
        SMS_TWILIO_ACCOUNT_SID: "AC123",
        SMS_TWILIO_AUTH_TOKEN: "token",
        SMS_FROM: "+15550001111",
      },
      log,
    );
    expect(channels.email).toBeInstanceOf(ResendEmailChannel);
    expect(channels.sms).toBeInstanceOf(TwilioSmsChannel);
    expect(channels.emailFrom).toBe("Shop <orders@shop.example>");
  });

  it("names every missing companion setting", () => {
    let error: unknown;
    try {
      selectChannels({ RESEND_API_KEY: "re_123", SMS_TWILIO_ACCOUNT_SID: "AC123" }, log);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toContain("EMAIL_FROM");
    expect(issues).toContain("SMS_TWILIO_AUTH_TOKEN");
  });
});
