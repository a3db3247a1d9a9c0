import { mount } from "svelte";
import "./app.css";
import "./lib/theme.svelte"; // sets the theme before the first paint
import App from "./App.svelte";

const app = mount(App, { target: document.getElementById("app")! });

export default app;
