import { payload, requireRole, UserError } from "@retailer/kit";
import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { savePreferences } from "../db/preference.repository.js";
import { DEFAULT_PREFERENCES } from "../preferences.js";

@ObjectType()
export class NotificationPreferences {
  @Field(() => Boolean, { description: "Order and account emails. Password-reset mail is always sent." })
  email!: boolean;

  @Field(() => Boolean, { description: "Shipping updates by SMS, to the profile's phone." })
  sms!: boolean;
}

@InputType()
export class NotificationPreferencesInput {
  @Field(() => Boolean, { nullable: true })
  email?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  sms?: boolean | null;
}

@ObjectType()
export class NotificationPreferencesPayload {
  @Field(() => NotificationPreferences, { nullable: true })
  preferences!: NotificationPreferences | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class NotificationPreferencesMutations {
  @Mutation(() => NotificationPreferencesPayload, {
    description: "The signed-in customer's own preferences; fields left out (or null) keep their value.",
  })
  updateNotificationPreferences(
    @Ctx() ctx: Context,
    @Arg("input", () => NotificationPreferencesInput) input: NotificationPreferencesInput,
  ): Promise<NotificationPreferencesPayload> {
    const viewer = requireRole(ctx.viewer, "CUSTOMER", "ADMIN");
    return payload("preferences", async () => {
      const row = await savePreferences(
        ctx.db,
        viewer.id,
        {
          ...(typeof input.email === "boolean" ? { email: input.email } : {}),
          ...(typeof input.sms === "boolean" ? { sms: input.sms } : {}),
        },
        DEFAULT_PREFERENCES,
      );
      return { email: row.email, sms: row.sms };
    });
  }
}
