import { defaultI18nProvider, type I18nProvider } from "react-admin";

/**
 * What the panel calls its resources where the table name is not the word people use: the product
 * speaks of members (the bot, the README, the database's comments), the table is `users`.
 * Singular and plural, as react-admin asks for them (`smart_count` 1 or not).
 */
export const RESOURCE_NAMES: Record<string, [one: string, many: string]> = {
  users: ["Member", "Members"],
};

/** react-admin's English messages, with our resource names. */
export const i18nProvider: I18nProvider = {
  ...defaultI18nProvider,
  translate(key, options = {}) {
    const m = /^resources\.(\w+)\.name$/.exec(key);
    const names = m ? RESOURCE_NAMES[m[1]] : undefined;
    if (names) return names[options.smart_count === 1 ? 0 : 1];
    return defaultI18nProvider.translate(key, options);
  },
};
