import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack([users]);
});
afterAll(() => stack?.stop());

const AUTH_FIELDS = "accessToken refreshToken expiresAt user { id email name role } userErrors { code field message }";
type AuthPayload = {
  accessToken: string | null;
  refreshToken: string | null;
  expiresAt: string | null;
  user: { id: string; email: string; name: string; role: string } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
};

const signUp = (input: Record<string, unknown>) =>
  stack.query<{ signUp: AuthPayload }>(`mutation($input: SignUpInput!) { signUp(input: $input) { ${AUTH_FIELDS} } }`, {
    input,
  });
const signIn = (email: string, password: string) =>
  stack.query<{ signIn: AuthPayload }>(`mutation($input: SignInInput!) { signIn(input: $input) { ${AUTH_FIELDS} } }`, {
    input: { email, password },
  });
const me = (headers?: Record<string, string>) =>
  stack.query<{
    me: {
      id: string;
      email: string;
      phone: string | null;
      addresses: { id: string; isDefault: boolean; city: string }[];
    } | null;
  }>("{ me { id email phone addresses { id isDefault city } } }", {}, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function userCount(): Promise<number> {
  const db = stack.subgraphs.users?.database.db;
  if (!db) throw new Error("no users subgraph");
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from users."user"`.execute(db);
  return rows[0]?.n ?? 0;
}

describe("sign-up and sign-in", () => {
  it("signs up, publishes user.registered with the account, and signs in", async () => {
    const result = await signUp({ email: "Ada@Example.com", password: "correct horse", name: "Ada Lovelace" });
    const payload = result.data?.signUp;
    expect(payload?.userErrors).toEqual([]);
    expect(payload?.user).toMatchObject({ email: "ada@example.com", name: "Ada Lovelace", role: "CUSTOMER" });
    expect(payload?.accessToken).toMatch(/^ey/);
    const expiresIn = new Date(payload?.expiresAt as string).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);

    const db = stack.subgraphs.users?.database.db;
    if (!db) throw new Error("no users subgraph");
    const { rows } = await sql<{ data: { data: { userId: string; email: string } } }>`
      select data from bus.job where name = 'notifications.user.registered'`.execute(db);
    expect(rows.map((r) => r.data.data)).toContainEqual(
      expect.objectContaining({ userId: payload?.user?.id, email: "ada@example.com" }),
    );

    const signedIn = await signIn("ada@example.com", "correct horse");
    expect(signedIn.data?.signIn.userErrors).toEqual([]);
    const mine = await me(bearer(signedIn.data?.signIn.accessToken as string));
    expect(mine.data?.me).toMatchObject({ id: payload?.user?.id, email: "ada@example.com", addresses: [] });
  });

  it("answers me with null when signed out", async () => {
    expect((await me()).data).toEqual({ me: null });
  });

  it.each([
    [{ email: "not-an-email", password: "long enough", name: "X" }, "INVALID_EMAIL", ["input", "email"]],
    [{ email: "short@example.com", password: "short", name: "X" }, "PASSWORD_TOO_SHORT", ["input", "password"]],
    [{ email: "long@example.com", password: "x".repeat(129), name: "X" }, "PASSWORD_TOO_LONG", ["input", "password"]],
    [{ email: "noname@example.com", password: "long enough", name: "   " }, "INVALID_INPUT", ["input", "name"]],
    [
      { email: "bigname@example.com", password: "long enough", name: "n".repeat(10_000) },
      "INVALID_INPUT",
      ["input", "name"],
    ],
  ])("refuses bad sign-up input %#, writing nothing", async (input, code, field) => {
    const before = await userCount();
    const result = await signUp(input);
    expect(result.data?.signUp).toMatchObject({ accessToken: null, user: null });
    expect(result.data?.signUp.userErrors).toContainEqual(expect.objectContaining({ code, field }));
    expect(await userCount()).toBe(before);
  });

  it("refuses a taken email with EMAIL_TAKEN", async () => {
    await signUp({ email: "taken@example.com", password: "password-1", name: "First" });
    const before = await userCount();
    const again = await signUp({ email: "TAKEN@example.com", password: "password-2", name: "Second" });
    expect(again.data?.signUp.userErrors.map((e) => e.code)).toEqual(["EMAIL_TAKEN"]);
    expect(await userCount()).toBe(before);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    await signUp({ email: "grace@example.com", password: "password-1", name: "Grace" });
    const wrong = await signIn("grace@example.com", "password-2");
    const unknown = await signIn("nobody@example.com", "password-1");
    expect(wrong.data?.signIn.userErrors).toEqual(unknown.data?.signIn.userErrors);
    expect(wrong.data?.signIn.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
    expect(wrong.data?.signIn.accessToken).toBeNull();
  });

  it("rate-limits sign-in attempts per email", async () => {
    const email = "limited@example.com";
    const codes: string[] = [];
    for (let i = 0; i < 11; i += 1)
      codes.push((await signIn(email, "wrong-password")).data?.signIn.userErrors[0]?.code ?? "");
    expect(codes.slice(0, 10).every((c) => c === "INVALID_CREDENTIALS")).toBe(true);
    expect(codes[10]).toBe("RATE_LIMITED");
  });
});

describe("tokens", () => {
  let session: Session;
  beforeAll(async () => {
    session = await stack.signUp("Token Tester");
  });

  it("refreshes an access token from the refresh token, and signing out revokes it at once", async () => {
    const refreshed = await stack.query<{ refreshAccessToken: AuthPayload }>(
      `mutation($t: String!) { refreshAccessToken(refreshToken: $t) { ${AUTH_FIELDS} } }`,
      { t: session.refreshToken },
    );
    expect(refreshed.data?.refreshAccessToken.userErrors).toEqual([]);
    expect(refreshed.data?.refreshAccessToken.user?.id).toBe(session.userId);

    const out = await stack.query<{ signOut: { success: boolean } }>(
      "mutation($t: String!) { signOut(refreshToken: $t) { success } }",
      { t: session.refreshToken },
    );
    expect(out.data?.signOut.success).toBe(true);

    const after = await stack.query<{ refreshAccessToken: AuthPayload }>(
      `mutation($t: String!) { refreshAccessToken(refreshToken: $t) { ${AUTH_FIELDS} } }`,
      { t: session.refreshToken },
    );
    expect(after.data?.refreshAccessToken.accessToken).toBeNull();
    expect(after.data?.refreshAccessToken.userErrors[0]?.code).toBe("INVALID_TOKEN");
  });
});

describe("profile, password and roles", () => {
  it("updates the profile and refuses bad input", async () => {
    const s = await stack.signUp("Profile");
    const ok = await stack.query<{ updateProfile: { user: { name: string; phone: string }; userErrors: unknown[] } }>(
      'mutation { updateProfile(input: { name: "New Name", phone: "+49 30 1234567" }) { user { name phone } userErrors { code } } }',
      {},
      s.headers,
    );
    expect(ok.data?.updateProfile).toEqual({ user: { name: "New Name", phone: "+49 30 1234567" }, userErrors: [] });
    const bad = await stack.query<{ updateProfile: { user: null; userErrors: { code: string; field: string[] }[] } }>(
      'mutation { updateProfile(input: { phone: "call me maybe" }) { user { name } userErrors { code field } } }',
      {},
      s.headers,
    );
    expect(bad.data?.updateProfile.userErrors).toEqual([{ code: "INVALID_INPUT", field: ["input", "phone"] }]);
    const anonymous = await stack.query('mutation { updateProfile(input: { name: "x" }) { user { name } } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("changes the password only with the current one", async () => {
    const s = await stack.signUp("Changer");
    const change = (current: string, next: string) =>
      stack.query<{ changePassword: { userErrors: { code: string }[] } }>(
        "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { user { id } userErrors { code } } }",
        { c: current, n: next },
        s.headers,
      );
    expect((await change("wrong-password", "brand-new-pass")).data?.changePassword.userErrors[0]?.code).toBe(
      "INVALID_CREDENTIALS",
    );
    expect((await change("password-123", "short")).data?.changePassword.userErrors[0]?.code).toBe("PASSWORD_TOO_SHORT");
    expect((await change("password-123", "brand-new-pass")).data?.changePassword.userErrors).toEqual([]);
    expect((await signIn(s.email, "password-123")).data?.signIn.userErrors[0]?.code).toBe("INVALID_CREDENTIALS");
    expect((await signIn(s.email, "brand-new-pass")).data?.signIn.userErrors).toEqual([]);
  });

  it("resets a password with the mailed token, once", async () => {
    const s = await stack.signUp("Forgetful");
    const request = await stack.query<{ requestPasswordReset: { accepted: boolean; userErrors: unknown[] } }>(
      "mutation($e: String!) { requestPasswordReset(email: $e) { accepted userErrors { code } } }",
      { e: s.email },
    );
    expect(request.data?.requestPasswordReset).toEqual({ accepted: true, userErrors: [] });
    const unknown = await stack.query<{ requestPasswordReset: { accepted: boolean } }>(
      'mutation { requestPasswordReset(email: "nobody-here@example.com") { accepted } }',
    );
    expect(unknown.data?.requestPasswordReset.accepted).toBe(true);
    const malformed = await stack.query<{
      requestPasswordReset: { accepted: boolean; userErrors: { code: string }[] };
    }>('mutation { requestPasswordReset(email: "nope") { accepted userErrors { code } } }');
    expect(malformed.data?.requestPasswordReset).toEqual({ accepted: false, userErrors: [{ code: "INVALID_EMAIL" }] });

    const db = stack.subgraphs.users?.database.db;
    if (!db) throw new Error("no users subgraph");
    const { rows } = await sql<{ data: { data: { email: string; token: string } } }>`
      select data from bus.job where name = 'notifications.user.password_reset_requested'`.execute(db);
    const token = rows.map((r) => r.data.data).find((d) => d.email === s.email)?.token;
    expect(token).toBeTruthy();
    expect(rows.some((r) => r.data.data.email === "nobody-here@example.com")).toBe(false);

    const reset = (t: string) =>
      stack.query<{ resetPassword: { user: { id: string } | null; userErrors: { code: string }[] } }>(
        'mutation($t: String!) { resetPassword(token: $t, newPassword: "after-reset-1") { user { id } userErrors { code } } }',
        { t },
      );
    expect((await reset(token as string)).data?.resetPassword).toEqual({ user: { id: s.userId }, userErrors: [] });
    expect((await reset(token as string)).data?.resetPassword.userErrors[0]?.code).toBe("INVALID_TOKEN");
    expect((await reset("made-up-token")).data?.resetPassword.userErrors[0]?.code).toBe("INVALID_TOKEN");
    expect((await signIn(s.email, "after-reset-1")).data?.signIn.userErrors).toEqual([]);
    // The old session was revoked by the reset.
    const refreshed = await stack.query<{ refreshAccessToken: AuthPayload }>(
      `mutation($t: String!) { refreshAccessToken(refreshToken: $t) { ${AUTH_FIELDS} } }`,
      { t: s.refreshToken },
    );
    expect(refreshed.data?.refreshAccessToken.userErrors[0]?.code).toBe("INVALID_TOKEN");
  });

  it("lets only an admin change roles", async () => {
    const customer = await stack.signUp("Wannabe");
    const setRole = (headers: Record<string, string>) =>
      stack.query<{ setUserRole: { user: { role: string } | null } }>(
        "mutation($id: ID!) { setUserRole(userId: $id, role: ADMIN) { user { role } userErrors { code } } }",
        { id: customer.userId },
        headers,
      );
    expect((await setRole(customer.headers)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const admin = await stack.admin();
    expect((await setRole(admin.headers)).data?.setUserRole.user?.role).toBe("ADMIN");
  });
});

describe("addresses", () => {
  const address = { name: "Ada", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "de" };

  it("adds, defaults, updates and removes addresses, owner only", async () => {
    const s = await stack.signUp("Addressee");
    const add = (input: Record<string, unknown>, headers = s.headers) =>
      stack.query<{
        addAddress: {
          address: { id: string; isDefault: boolean; country: string } | null;
          userErrors: { code: string; field: string[] }[];
        };
      }>(
        "mutation($input: AddressInput!) { addAddress(input: $input) { address { id isDefault country } userErrors { code field } } }",
        { input },
        headers,
      );
    const first = (await add(address)).data?.addAddress.address;
    expect(first).toMatchObject({ isDefault: true, country: "DE" });
    const second = (await add({ ...address, city: "Hamburg", isDefault: true })).data?.addAddress.address;
    expect(second?.isDefault).toBe(true);
    const mine = (await me(s.headers)).data?.me?.addresses ?? [];
    expect(mine.filter((a) => a.isDefault).map((a) => a.id)).toEqual([second?.id]);

    const bad = await add({ ...address, country: "XX", postalCode: "" });
    expect(bad.data?.addAddress.userErrors).toEqual([
      { code: "INVALID_INPUT", field: ["input", "postalCode"] },
      { code: "INVALID_INPUT", field: ["input", "country"] },
    ]);

    const other = await stack.signUp("Intruder");
    const stolen = await stack.query<{ removeAddress: { deletedId: string | null; userErrors: { code: string }[] } }>(
      "mutation($id: ID!) { removeAddress(id: $id) { deletedId userErrors { code } } }",
      { id: first?.id },
      other.headers,
    );
    expect(stolen.data?.removeAddress).toEqual({ deletedId: null, userErrors: [{ code: "NOT_FOUND" }] });

    const updated = await stack.query<{ updateAddress: { address: { city: string } } }>(
      "mutation($id: ID!, $input: AddressInput!) { updateAddress(id: $id, input: $input) { address { city } userErrors { code } } }",
      { id: first?.id, input: { ...address, city: "Munich" } },
      s.headers,
    );
    expect(updated.data?.updateAddress.address.city).toBe("Munich");

    const removed = await stack.query<{ removeAddress: { deletedId: string } }>(
      "mutation($id: ID!) { removeAddress(id: $id) { deletedId userErrors { code } } }",
      { id: second?.id },
      s.headers,
    );
    expect(removed.data?.removeAddress.deletedId).toBe(second?.id);
    const left = (await me(s.headers)).data?.me?.addresses ?? [];
    expect(left).toEqual([expect.objectContaining({ id: first?.id, isDefault: true, city: "Munich" })]);
  });
});
