import { forbidden, unauthenticated } from "../errors.js";

export type Role = "CUSTOMER" | "ADMIN" | "SERVICE";

/** Who is calling, as proven by a verified token. */
export interface Viewer {
  /** User id; for a service token, the service's name. */
  id: string;
  role: Role;
  /** The session (refresh token) the access token was minted from. */
  sessionId?: string;
}

/** Throws UNAUTHENTICATED unless someone is signed in. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/** Throws UNAUTHENTICATED when anonymous, FORBIDDEN when the role does not match. */
export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const v = requireViewer(viewer);
  if (!roles.includes(v.role)) throw forbidden();
  return v;
}

export const isAdmin = (viewer: Viewer | null): boolean => viewer?.role === "ADMIN";
export const isService = (viewer: Viewer | null): boolean => viewer?.role === "SERVICE";

/**
 * Whether the viewer may see something owned by `ownerId`: its owner, an
 * admin or a service. Callers answer "not found" when false, so someone
 * else's object looks exactly like a missing one.
 */
export const canAccess = (viewer: Viewer | null, ownerId: string | null): boolean =>
  viewer !== null && (viewer.role !== "CUSTOMER" || (ownerId !== null && viewer.id === ownerId));
