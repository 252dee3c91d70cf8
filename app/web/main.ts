// The web console's entry: Vue, vue-i18n, the router and Element Plus's styles. An error in a
// component or a promise never blanks the page: it becomes a notice.
import { createApp } from 'vue';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { reportError } from './components/notify';

document.documentElement.lang = i18n.global.locale.value;
const app = createApp(App);
app.use(i18n);
app.use(router);
app.config.errorHandler = (err) => reportError(err);
window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  reportError(e.reason);
});
app.mount('#app');
