// Light or dark: the desktop's choice by default, or the user's (Settings > Appearance),
// remembered on this computer. The resolved theme is `data-theme` on <html>, which the colour
// variables of app.css follow.
export type ThemeChoice = "system" | "light" | "dark";

const KEY = "stockflow.theme";
const dark = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

class Theme {
  choice = $state<ThemeChoice>(stored());
  systemDark = $state(dark?.matches ?? false);

  get resolved(): "light" | "dark" {
    return this.choice === "system" ? (this.systemDark ? "dark" : "light") : this.choice;
  }

  constructor() {
    dark?.addEventListener("change", (e) => {
      this.systemDark = e.matches;
      this.#apply();
    });
    this.#apply();
  }

  set(choice: ThemeChoice) {
    this.choice = choice;
    try {
      if (choice === "system") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Storage can be unavailable; the choice lasts until the window closes.
    }
    this.#apply();
  }

  #apply() {
    document.documentElement.dataset.theme = this.resolved;
  }
}

export const theme = new Theme();
