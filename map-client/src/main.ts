/** Entry point: mounts the app on index.html. */

import { App } from './app/app';
import './styles.css';

void new App().start();
