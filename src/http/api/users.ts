/** /users: admins make, change, disable and reset staff users (a library's admin, its own library's only). */
import { z } from 'zod';
import { changeUser, createStaffUser, getUser, listUsers, newStaffUserSchema, passwordResetSchema, resetPassword, staffUserChangeSchema } from '../../services/access/staff-users';
import type { ServiceDeps } from '../../services/deps';
import { apiRoute, type ApiRoute } from './route';
import { userSchema } from './schemas';

const tag = 'Users';
const userParams = z.object({ id: z.string().meta({ description: 'User id (uuid)' }) });

export function userRoutes(deps: ServiceDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'List staff users',
      tag,
      role: 'admin',
      success: { status: 200, description: 'Users by username', schema: z.array(userSchema) },
      handle: ({ principal }) => listUsers(deps, principal),
    }),
    apiRoute({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      summary: 'Make a staff user',
      description: 'An admin of one library makes users of that library only. A taken username answers 409.',
      tag,
      role: 'admin',
      body: newStaffUserSchema,
      success: { status: 201, description: 'The user', schema: userSchema },
      problems: [409],
      location: (made) => `/users/${(made as { id: string }).id}`,
      handle: ({ body, principal }) => createStaffUser(deps, body, { by: principal }),
    }),
    apiRoute({
      method: 'get',
      path: '/users/{id}',
      operationId: 'getUser',
      summary: 'Read a staff user',
      tag,
      role: 'admin',
      params: userParams,
      success: { status: 200, description: 'The user', schema: userSchema },
      handle: ({ params, principal }) => getUser(deps, params.id!, principal),
    }),
    apiRoute({
      method: 'patch',
      path: '/users/{id}',
      operationId: 'updateUser',
      summary: 'Change a staff user',
      description: 'Disabling a user ends its sessions at once. An admin cannot disable or demote their own account (409).',
      tag,
      role: 'admin',
      params: userParams,
      body: staffUserChangeSchema,
      success: { status: 200, description: 'The user as changed', schema: userSchema },
      problems: [409],
      handle: ({ params, body, principal }) => changeUser(deps, params.id!, body, principal),
    }),
    apiRoute({
      method: 'post',
      path: '/users/{id}/password',
      operationId: 'resetUserPassword',
      summary: 'Set a temporary password',
      description: 'The user must change it after signing in (`mustChangePassword`); every session of the user ends.',
      tag,
      role: 'admin',
      params: userParams,
      body: passwordResetSchema,
      success: { status: 204, description: 'Set' },
      handle: ({ params, body, principal }) => resetPassword(deps, params.id!, body.password, principal),
    }),
  ];
}
