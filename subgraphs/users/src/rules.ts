import { isPhoneNumber, type UserErrorShape, userError } from "@retailer/kit";
import { z } from "zod";

/** What an account accepts; each check answers a userError on its field. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;

export function checkEmail(email: string, field: string[]): UserErrorShape[] {
  const value = email.trim();
  return value.length <= 254 && z.email().safeParse(value).success
    ? []
    : [userError("INVALID_EMAIL", "That is not a valid email address.", field)];
}

export function checkPassword(password: string, field: string[]): UserErrorShape[] {
  if (password.length < PASSWORD_MIN) {
    return [userError("PASSWORD_TOO_SHORT", `The password needs at least ${PASSWORD_MIN} characters.`, field)];
  }
  if (password.length > PASSWORD_MAX) {
    return [userError("PASSWORD_TOO_LONG", `The password can have at most ${PASSWORD_MAX} characters.`, field)];
  }
  return [];
}

export function checkName(name: string, field: string[]): UserErrorShape[] {
  const value = name.trim();
  if (value === "") return [userError("INVALID_INPUT", "The name is required.", field)];
  if (value.length > NAME_MAX)
    return [userError("INVALID_INPUT", `The name can have at most ${NAME_MAX} characters.`, field)];
  return [];
}

export function checkPhone(phone: string, field: string[]): UserErrorShape[] {
  return isPhoneNumber(phone) ? [] : [userError("INVALID_INPUT", "That is not a phone number.", field)];
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
