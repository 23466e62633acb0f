import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** better-auth's user table (its column names), with the admin plugin's role and our phone. */
export interface UserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: Generated<boolean>;
  image: string | null;
  phone: string | null;
  role: string | null;
  banned: Generated<boolean | null>;
  banReason: string | null;
  banExpires: Date | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface AddressTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  country: string;
  phone: string | null;
  is_default: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** better-auth's session: the refresh token. */
export interface SessionTable {
  id: string;
  token: string;
  userId: string;
  expiresAt: Date;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  ipAddress: string | null;
  userAgent: string | null;
  impersonatedBy: string | null;
}

export interface UsersDatabase {
  user: UserTable;
  address: AddressTable;
  session: SessionTable;
}

export type UserRow = Selectable<UserTable>;
export type AddressRow = Selectable<AddressTable>;
