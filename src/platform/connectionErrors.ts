/**
 * What goes wrong with a connection, as errors and one localised sentence each: a base URL or a name that breaks
 * the rules, a settings entry with problems, a missing token, an unknown id. Shared by the ConnectionStore, the
 * connection commands and the trees.
 */
import * as vscode from 'vscode';
import type { TextProblem } from '../core/text';
import type { ProfileProblem } from './profiles';
import type { BaseUrlProblem } from './urls';

export class InvalidBaseUrlError extends Error {
  constructor(
    readonly problem: BaseUrlProblem,
    url: string,
  ) {
    super(describeBaseUrlProblem(problem, url));
    this.name = 'InvalidBaseUrlError';
  }
}

/** A profile (from the UI) or a settings entry that breaks the rules: nothing is saved, nothing is sent. */
export class InvalidConnectionError extends Error {
  constructor(
    readonly problems: readonly ProfileProblem[],
    readonly connectionId?: string,
    label?: string,
  ) {
    super(
      label
        ? vscode.l10n.t(
            'The connection "{0}" cannot be used: {1}',
            label,
            problems.map((p) => describeProfileProblem(p)).join(' '),
          )
        : vscode.l10n.t(
            'This connection cannot be used: {0}',
            problems.map((p) => describeProfileProblem(p)).join(' '),
          ),
    );
    this.name = 'InvalidConnectionError';
  }
}

export class MissingTokenError extends Error {
  constructor(
    readonly connectionId: string,
    label: string,
  ) {
    super(vscode.l10n.t('No token is stored for "{0}". Run "Test Connection" to enter it again.', label));
    this.name = 'MissingTokenError';
  }
}

export class UnknownConnectionError extends Error {
  constructor(readonly connectionId: string) {
    super(vscode.l10n.t('There is no gateway connection with id "{0}".', connectionId));
    this.name = 'UnknownConnectionError';
  }
}

export function describeBaseUrlProblem(problem: BaseUrlProblem, url: string): string {
  switch (problem) {
    case 'empty':
      return vscode.l10n.t('Enter the gateway base URL.');
    case 'invalid':
      return vscode.l10n.t('"{0}" is not a valid URL.', url);
    case 'scheme':
      return vscode.l10n.t('The base URL must start with https:// (or http:// for a local gateway).');
    case 'credentials':
      return vscode.l10n.t('The base URL must not contain a user name or password; the token is entered separately.');
    case 'query':
      return vscode.l10n.t('The base URL must not contain a query (?…) or fragment (#…).');
    case 'insecure':
      return vscode.l10n.t('Plain http:// is only allowed for a gateway on this machine (localhost); use https://.');
  }
}

/** Why a connection name is refused (Add / Edit Connection, settings.json). */
export function describeLabelProblem(problem: 'missing' | 'too-long' | TextProblem): string {
  switch (problem) {
    case 'missing':
    case 'empty':
      return vscode.l10n.t('Enter a name.');
    case 'invisible':
      return vscode.l10n.t('The name shows nothing: it is made only of invisible (zero-width) characters.');
    case 'control':
      return vscode.l10n.t('The name contains a control character (such as a tab or a line break); remove it.');
    case 'bidi':
      return vscode.l10n.t(
        'The name contains a hidden text-direction character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F or U+061C) that can make it look like something else; remove it.',
      );
    case 'too-long':
      return vscode.l10n.t('The name is too long (at most 100 characters).');
  }
}

/** One sentence per problem of a settings entry, naming the field. */
export function describeProfileProblem(p: ProfileProblem): string {
  switch (p.field) {
    case 'entry':
      return vscode.l10n.t('The entry is not an object.');
    case 'id':
      return p.code === 'missing'
        ? vscode.l10n.t('"id" is missing.')
        : p.code === 'duplicate'
          ? vscode.l10n.t('"id" repeats the id of another connection.')
          : vscode.l10n.t('"id" must be 1–64 letters, digits, "_" or "-".');
    case 'kind':
      return p.code === 'missing'
        ? vscode.l10n.t('"kind" is missing (aione or aihubmix).')
        : vscode.l10n.t('"kind" must be aione or aihubmix.');
    case 'label':
      return `"label": ${describeLabelProblem(p.code)}`;
    case 'baseUrl':
    case 'chatBaseUrl': {
      if (p.code === 'missing') return vscode.l10n.t('"baseUrl" is missing.');
      if (p.code === 'not-string') return vscode.l10n.t('"chatBaseUrl" must be a URL string.');
      if (p.code === 'insecure') {
        return vscode.l10n.t(
          '"{0}" is plain http:// to another machine, which would send the token unencrypted: use https://, or add "allowInsecureHttp": true to accept that.',
          p.field,
        );
      }
      if (p.code === 'invalid') return vscode.l10n.t('"{0}" is not a valid URL.', p.field);
      return `"${p.field}": ${describeBaseUrlProblem(p.code, '')}`;
    }
    case 'rawAuthHeader':
    case 'allowInsecureHttp':
      return vscode.l10n.t('"{0}" must be true or false.', p.field);
    case 'newApiUser':
      return vscode.l10n.t('"newApiUser" must be the numeric user id (digits only).');
    case 'secret':
      return vscode.l10n.t(
        '"{0}" does not belong in settings.json: tokens are kept in secret storage. Remove it.',
        p.key,
      );
  }
}
