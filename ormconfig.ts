// The TypeORM DataSource for tools (npm run migration:*): MariaDB/MySQL or the embedded
// SQLite default, chosen by the same validated configuration the service uses.
import { loadConfig } from './app/config.js';
import { createDataSource } from './app/db/data-source.js';

export { createDataSource };
export default createDataSource(loadConfig().db);
