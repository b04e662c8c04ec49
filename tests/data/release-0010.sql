BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0010');
CREATE TABLE api_tokens (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	CONSTRAINT pk_api_tokens PRIMARY KEY (id), 
	CONSTRAINT fk_api_tokens_user_id_users FOREIGN KEY(user_id) REFERENCES users (id), 
	CONSTRAINT uq_api_tokens_token_hash UNIQUE (token_hash)
);
INSERT INTO "api_tokens" VALUES(1,1,'aca97d4ae60efc23efc590fb741d6505f3a0bb35b9fa89ec641866007c9f57c7','2026-03-02 02:00:00.000000',NULL);
INSERT INTO "api_tokens" VALUES(2,2,'4dabdd2e7a009b0f2075d56ee3c86f8ebb9409575a05c2ef77421256b9431fa3','2026-03-02 02:00:00.000000',NULL);
INSERT INTO "api_tokens" VALUES(3,3,'dce30240a0031913122637ed3e1d4fef9a10126bf7b85bb24df68dbd869aee5f','2026-03-02 02:00:00.000000',NULL);
INSERT INTO "api_tokens" VALUES(4,4,'ef2a151ee09609d47821c8ac1987bff67f976c9ea885281ce0be4bc66282400a','2026-03-02 02:00:00.000000',NULL);
INSERT INTO "api_tokens" VALUES(5,5,'c3a8de58b5dd30206990b420351f878d0d0592050043cf9709c266aaa86f1fd4','2026-03-02 02:00:00.000000',NULL);
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	user_id INTEGER, 
	username VARCHAR(64) NOT NULL, 
	device_id INTEGER, 
	address VARCHAR(64) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	target VARCHAR(200) NOT NULL, 
	detail JSON NOT NULL, 
	CONSTRAINT pk_audit_log PRIMARY KEY (id), 
	CONSTRAINT fk_audit_log_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT fk_audit_log_user_id_users FOREIGN KEY(user_id) REFERENCES users (id), 
	CONSTRAINT fk_audit_log_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id)
);
INSERT INTO "audit_log" VALUES(1,1,'2026-03-02 02:00:00.000000',3,'officer1',NULL,'127.0.0.1','open_counter','number=1','{}');
INSERT INTO "audit_log" VALUES(2,1,'2026-03-02 02:00:00.000000',4,'officer2',NULL,'127.0.0.1','open_counter','number=2','{}');
INSERT INTO "audit_log" VALUES(3,1,'2026-03-02 02:08:00.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(4,1,'2026-03-02 02:08:30.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(5,1,'2026-03-02 02:08:30.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=1','{"codes": ["H00001"]}');
INSERT INTO "audit_log" VALUES(6,1,'2026-03-02 02:12:30.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(7,1,'2026-03-02 02:12:30.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(8,1,'2026-03-02 02:13:00.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(9,1,'2026-03-02 02:13:00.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=4','{"codes": ["H00004"]}');
INSERT INTO "audit_log" VALUES(10,1,'2026-03-02 02:17:00.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(11,1,'2026-03-02 02:17:00.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(12,1,'2026-03-02 02:17:30.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(13,1,'2026-03-02 02:17:30.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=7','{"codes": ["H00007"]}');
INSERT INTO "audit_log" VALUES(14,1,'2026-03-02 02:21:30.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(15,1,'2026-03-02 02:21:30.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(16,1,'2026-03-02 02:22:00.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(17,1,'2026-03-02 02:22:00.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=10','{"codes": ["H00010"]}');
INSERT INTO "audit_log" VALUES(18,1,'2026-03-02 02:26:00.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(19,1,'2026-03-02 02:26:00.000000',4,'officer2',NULL,'127.0.0.1','call_next','number=2','{}');
INSERT INTO "audit_log" VALUES(20,1,'2026-03-02 02:27:00.000000',4,'officer2',NULL,'127.0.0.1','no_show','number=2','{}');
INSERT INTO "audit_log" VALUES(21,1,'2026-03-02 02:27:00.000000',4,'officer2',NULL,'127.0.0.1','call_next','number=2','{}');
INSERT INTO "audit_log" VALUES(22,1,'2026-03-02 02:28:00.000000',4,'officer2',NULL,'127.0.0.1','transfer','number=2','{"field": "HT", "counter": null}');
INSERT INTO "audit_log" VALUES(23,1,'2026-03-02 02:28:00.000000',2,'manager',NULL,'127.0.0.1','cancel_ticket','ticket_id=11','{}');
INSERT INTO "audit_log" VALUES(24,1,'2026-03-02 02:28:00.000000',3,'officer1',NULL,'127.0.0.1','close_counter','number=1','{}');
INSERT INTO "audit_log" VALUES(25,1,'2026-03-02 02:28:00.000000',4,'officer2',NULL,'127.0.0.1','close_counter','number=2','{}');
INSERT INTO "audit_log" VALUES(26,1,'2026-03-03 02:28:00.000000',3,'officer1',NULL,'127.0.0.1','open_counter','number=1','{}');
INSERT INTO "audit_log" VALUES(27,1,'2026-03-03 02:28:00.000000',4,'officer2',NULL,'127.0.0.1','open_counter','number=2','{}');
INSERT INTO "audit_log" VALUES(28,1,'2026-03-03 02:36:00.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(29,1,'2026-03-03 02:36:30.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(30,1,'2026-03-03 02:36:30.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=13','{"codes": ["H00013"]}');
INSERT INTO "audit_log" VALUES(31,1,'2026-03-03 02:40:30.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(32,1,'2026-03-03 02:40:30.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(33,1,'2026-03-03 02:41:00.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(34,1,'2026-03-03 02:41:00.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=14','{"codes": ["H00014"]}');
INSERT INTO "audit_log" VALUES(35,1,'2026-03-03 02:45:00.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(36,1,'2026-03-03 02:45:00.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(37,1,'2026-03-03 02:45:30.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(38,1,'2026-03-03 02:45:30.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=17','{"codes": ["H00017"]}');
INSERT INTO "audit_log" VALUES(39,1,'2026-03-03 02:49:30.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(40,1,'2026-03-03 02:49:30.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
INSERT INTO "audit_log" VALUES(41,1,'2026-03-03 02:50:00.000000',3,'officer1',NULL,'127.0.0.1','start','number=1','{}');
INSERT INTO "audit_log" VALUES(42,1,'2026-03-03 02:50:00.000000',3,'officer1',NULL,'127.0.0.1','add_records','ticket_id=20','{"codes": ["H00020"]}');
INSERT INTO "audit_log" VALUES(43,1,'2026-03-03 02:54:00.000000',3,'officer1',NULL,'127.0.0.1','finish','number=1','{}');
INSERT INTO "audit_log" VALUES(44,1,'2026-03-03 02:54:00.000000',4,'officer2',NULL,'127.0.0.1','call_next','number=2','{}');
INSERT INTO "audit_log" VALUES(45,1,'2026-03-03 02:55:00.000000',4,'officer2',NULL,'127.0.0.1','no_show','number=2','{}');
INSERT INTO "audit_log" VALUES(46,1,'2026-03-03 02:55:00.000000',4,'officer2',NULL,'127.0.0.1','call_next','number=2','{}');
INSERT INTO "audit_log" VALUES(47,1,'2026-03-03 02:56:00.000000',4,'officer2',NULL,'127.0.0.1','transfer','number=2','{"field": "HT", "counter": null}');
INSERT INTO "audit_log" VALUES(48,1,'2026-03-03 02:56:00.000000',2,'manager',NULL,'127.0.0.1','cancel_ticket','ticket_id=24','{}');
INSERT INTO "audit_log" VALUES(49,1,'2026-03-03 02:56:00.000000',3,'officer1',NULL,'127.0.0.1','call_next','number=1','{}');
CREATE TABLE centres (
	id INTEGER NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	address VARCHAR(300) NOT NULL, 
	timezone VARCHAR(64) NOT NULL, 
	opening_hours JSON, 
	ticket_header VARCHAR(300) NOT NULL, 
	ticket_footer VARCHAR(300) NOT NULL, 
	rating_scale INTEGER NOT NULL, 
	default_service_s INTEGER NOT NULL, 
	priority_categories JSON NOT NULL, display_settings JSON, 
	CONSTRAINT pk_centres PRIMARY KEY (id), 
	CONSTRAINT ck_centres_rating_scale CHECK (rating_scale IN (3, 4)), 
	CONSTRAINT uq_centres_code UNIQUE (code)
);
INSERT INTO "centres" VALUES(1,'default','Trung tâm Phục vụ hành chính công','','Asia/Ho_Chi_Minh',NULL,'','',3,300,'["elderly", "pregnant", "disabled", "merit"]',NULL);
CREATE TABLE counter_fields (
	counter_id INTEGER NOT NULL, 
	field_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_counter_fields PRIMARY KEY (counter_id, field_id), 
	CONSTRAINT fk_counter_fields_counter_id_counters FOREIGN KEY(counter_id) REFERENCES counters (id), 
	CONSTRAINT fk_counter_fields_field_id_fields FOREIGN KEY(field_id) REFERENCES fields (id)
);
INSERT INTO "counter_fields" VALUES(1,1,0);
INSERT INTO "counter_fields" VALUES(1,2,1);
INSERT INTO "counter_fields" VALUES(2,2,0);
INSERT INTO "counter_fields" VALUES(3,3,0);
INSERT INTO "counter_fields" VALUES(3,1,1);
CREATE TABLE counters (
	id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	number INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	officer_id INTEGER, pause_reason VARCHAR(200), paused_at DATETIME, 
	CONSTRAINT pk_counters PRIMARY KEY (id), 
	CONSTRAINT ck_counters_state CHECK (state IN ('open', 'paused', 'closed')), 
	CONSTRAINT fk_counters_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT fk_counters_officer_id_users FOREIGN KEY(officer_id) REFERENCES users (id), 
	CONSTRAINT uq_counters_centre_id UNIQUE (centre_id, number), 
	CONSTRAINT uq_counters_officer_id UNIQUE (officer_id)
);
INSERT INTO "counters" VALUES(1,1,1,'Quầy 1','open',3,NULL,NULL);
INSERT INTO "counters" VALUES(2,1,2,'Quầy 2','open',4,NULL,NULL);
INSERT INTO "counters" VALUES(3,1,3,'Quầy 3','closed',NULL,NULL,NULL);
CREATE TABLE devices (
	id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	counter_id INTEGER, 
	printer VARCHAR(300) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, printer_state VARCHAR(16) DEFAULT 'unknown' NOT NULL, printer_checked_at DATETIME, settings JSON, last_seen_at DATETIME, 
	CONSTRAINT pk_devices PRIMARY KEY (id), 
	CONSTRAINT ck_devices_kind CHECK (kind IN ('kiosk', 'display', 'tablet')), 
	CONSTRAINT fk_devices_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT fk_devices_counter_id_counters FOREIGN KEY(counter_id) REFERENCES counters (id), 
	CONSTRAINT uq_devices_token_hash UNIQUE (token_hash)
);
INSERT INTO "devices" VALUES(1,1,'kiosk','kiosk',NULL,'none','f206e1d4abd434fecb790c33746e077b2a2df868b2f5aaaf5d5b9fda9568a418','2026-03-02 02:00:00.000000',NULL,'unknown',NULL,NULL,NULL);
INSERT INTO "devices" VALUES(2,1,'display','display',NULL,'none','1bc70e61cec4a7e70adfbec0f173b943d1bf9eb243227b988e49b985c2f19119','2026-03-02 02:00:00.000000',NULL,'unknown',NULL,NULL,NULL);
INSERT INTO "devices" VALUES(3,1,'tablet','tablet1',1,'none','63b1492578205765d0fd045be2e68d20749c5c19afb54bdfd7a6141f09db59f9','2026-03-02 02:00:00.000000',NULL,'unknown',NULL,NULL,NULL);
INSERT INTO "devices" VALUES(4,1,'tablet','tablet2',2,'none','8ec6895904802a457cff623ecc64b4973f551b43959b46c955fc4c3e74297519','2026-03-02 02:00:00.000000',NULL,'unknown',NULL,NULL,NULL);
INSERT INTO "devices" VALUES(5,1,'tablet','tablet3',3,'none','c4794a1b5199d8acc1ae2ce1e92320b6852ad7e657191e17cb9add986c9072d0','2026-03-02 02:00:00.000000',NULL,'unknown',NULL,NULL,NULL);
INSERT INTO "devices" VALUES(6,1,'display','door1',1,'none','e671cb8a04b3bb3d222a9751dda66c5ea0755931702ca41b1918ea92761057d3','2026-03-02 02:00:00.000000',NULL,'unknown',NULL,NULL,NULL);
CREATE TABLE fields (
	id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	name_en VARCHAR(200) NOT NULL, 
	icon VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	prefix VARCHAR(4), 
	digits INTEGER NOT NULL, 
	block_start INTEGER, 
	block_end INTEGER, 
	target_wait_s INTEGER NOT NULL, 
	daily_capacity INTEGER, 
	is_open BOOLEAN NOT NULL, 
	CONSTRAINT pk_fields PRIMARY KEY (id), 
	CONSTRAINT fk_fields_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT uq_fields_centre_id UNIQUE (centre_id, code)
);
INSERT INTO "fields" VALUES(1,1,'HT','Hộ tịch','','',0,'A',3,NULL,NULL,900,NULL,1);
INSERT INTO "fields" VALUES(2,1,'CT','Chứng thực','','',1,'B',3,NULL,NULL,900,NULL,1);
INSERT INTO "fields" VALUES(3,1,'DD','Đất đai','','',2,'C',3,NULL,NULL,900,NULL,1);
CREATE TABLE idempotency_keys (
	id INTEGER NOT NULL, 
	credential VARCHAR(80) NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	service_day DATE NOT NULL, 
	ticket_id INTEGER NOT NULL, 
	CONSTRAINT pk_idempotency_keys PRIMARY KEY (id), 
	CONSTRAINT fk_idempotency_keys_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id), 
	CONSTRAINT uq_idempotency_keys_credential UNIQUE (credential, "key", service_day)
);
CREATE TABLE line_counts (
	field_id INTEGER NOT NULL, 
	normal INTEGER NOT NULL, 
	priority INTEGER NOT NULL, 
	CONSTRAINT pk_line_counts PRIMARY KEY (field_id), 
	CONSTRAINT fk_line_counts_field_id_fields FOREIGN KEY(field_id) REFERENCES fields (id)
);
INSERT INTO "line_counts" VALUES(1,1,0);
INSERT INTO "line_counts" VALUES(2,2,0);
INSERT INTO "line_counts" VALUES(3,6,2);
CREATE TABLE print_jobs (
	id INTEGER NOT NULL, 
	ticket_id INTEGER NOT NULL, 
	device_id INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	last_error VARCHAR(300) NOT NULL, 
	base_url VARCHAR(300) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	printed_at DATETIME, 
	CONSTRAINT pk_print_jobs PRIMARY KEY (id), 
	CONSTRAINT fk_print_jobs_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id), 
	CONSTRAINT fk_print_jobs_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id)
);
CREATE TABLE ratings (
	id INTEGER NOT NULL, 
	ticket_id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	level VARCHAR(32) NOT NULL, 
	reasons JSON NOT NULL, 
	comment TEXT NOT NULL, 
	counter_id INTEGER NOT NULL, 
	officer_id INTEGER, 
	device_id INTEGER, 
	rated_at DATETIME NOT NULL, 
	CONSTRAINT pk_ratings PRIMARY KEY (id), 
	CONSTRAINT fk_ratings_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT fk_ratings_counter_id_counters FOREIGN KEY(counter_id) REFERENCES counters (id), 
	CONSTRAINT fk_ratings_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id), 
	CONSTRAINT fk_ratings_officer_id_users FOREIGN KEY(officer_id) REFERENCES users (id), 
	CONSTRAINT fk_ratings_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id), 
	CONSTRAINT uq_ratings_ticket_id UNIQUE (ticket_id)
);
INSERT INTO "ratings" VALUES(1,1,1,'very_satisfied','[]','',1,3,3,'2026-03-02 02:12:30.000000');
INSERT INTO "ratings" VALUES(2,4,1,'very_satisfied','[]','',1,3,3,'2026-03-02 02:17:00.000000');
INSERT INTO "ratings" VALUES(3,7,1,'very_satisfied','[]','',1,3,3,'2026-03-02 02:21:30.000000');
INSERT INTO "ratings" VALUES(4,10,1,'very_satisfied','[]','',1,3,3,'2026-03-02 02:26:00.000000');
INSERT INTO "ratings" VALUES(5,13,1,'very_satisfied','[]','',1,3,3,'2026-03-03 02:40:30.000000');
INSERT INTO "ratings" VALUES(6,14,1,'very_satisfied','[]','',1,3,3,'2026-03-03 02:45:00.000000');
INSERT INTO "ratings" VALUES(7,17,1,'very_satisfied','[]','',1,3,3,'2026-03-03 02:49:30.000000');
INSERT INTO "ratings" VALUES(8,20,1,'very_satisfied','[]','',1,3,3,'2026-03-03 02:54:00.000000');
CREATE TABLE ticket_events (
	id INTEGER NOT NULL, 
	ticket_id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	at DATETIME NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	counter_id INTEGER, 
	user_id INTEGER, 
	device_id INTEGER, 
	data JSON NOT NULL, 
	CONSTRAINT pk_ticket_events PRIMARY KEY (id), 
	CONSTRAINT fk_ticket_events_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT fk_ticket_events_counter_id_counters FOREIGN KEY(counter_id) REFERENCES counters (id), 
	CONSTRAINT fk_ticket_events_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id), 
	CONSTRAINT fk_ticket_events_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id), 
	CONSTRAINT fk_ticket_events_user_id_users FOREIGN KEY(user_id) REFERENCES users (id)
);
INSERT INTO "ticket_events" VALUES(1,1,1,'issued','2026-03-02 02:00:00.000000','waiting',NULL,NULL,1,'{"number": "A001", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(2,2,1,'issued','2026-03-02 02:00:40.000000','waiting',NULL,NULL,1,'{"number": "B001", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(3,3,1,'issued','2026-03-02 02:01:20.000000','waiting',NULL,NULL,1,'{"number": "C001", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(4,4,1,'issued','2026-03-02 02:02:00.000000','waiting',NULL,NULL,1,'{"number": "A002", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(5,5,1,'issued','2026-03-02 02:02:40.000000','waiting',NULL,NULL,1,'{"number": "B002", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(6,6,1,'issued','2026-03-02 02:03:20.000000','waiting',NULL,NULL,1,'{"number": "C002", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(7,7,1,'issued','2026-03-02 02:04:00.000000','waiting',NULL,NULL,1,'{"number": "A003", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(8,8,1,'issued','2026-03-02 02:04:40.000000','waiting',NULL,NULL,1,'{"number": "B003", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(9,9,1,'issued','2026-03-02 02:05:20.000000','waiting',NULL,NULL,1,'{"number": "C003", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(10,10,1,'issued','2026-03-02 02:06:00.000000','waiting',NULL,NULL,1,'{"number": "A004", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(11,11,1,'issued','2026-03-02 02:06:40.000000','waiting',NULL,NULL,1,'{"number": "B004", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(12,12,1,'issued','2026-03-02 02:07:20.000000','waiting',NULL,NULL,1,'{"number": "C004", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(13,1,1,'called','2026-03-02 02:08:00.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(14,1,1,'started','2026-03-02 02:08:30.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(15,1,1,'finished','2026-03-02 02:12:30.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(16,1,1,'rated','2026-03-02 02:12:30.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(17,4,1,'called','2026-03-02 02:12:30.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(18,4,1,'started','2026-03-02 02:13:00.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(19,4,1,'finished','2026-03-02 02:17:00.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(20,4,1,'rated','2026-03-02 02:17:00.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(21,7,1,'called','2026-03-02 02:17:00.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(22,7,1,'started','2026-03-02 02:17:30.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(23,7,1,'finished','2026-03-02 02:21:30.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(24,7,1,'rated','2026-03-02 02:21:30.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(25,10,1,'called','2026-03-02 02:21:30.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(26,10,1,'started','2026-03-02 02:22:00.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(27,10,1,'finished','2026-03-02 02:26:00.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(28,10,1,'rated','2026-03-02 02:26:00.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(29,2,1,'called','2026-03-02 02:26:00.000000','called',2,4,NULL,'{}');
INSERT INTO "ticket_events" VALUES(30,2,1,'no_show','2026-03-02 02:27:00.000000','no_show',2,4,NULL,'{}');
INSERT INTO "ticket_events" VALUES(31,5,1,'called','2026-03-02 02:27:00.000000','called',2,4,NULL,'{}');
INSERT INTO "ticket_events" VALUES(32,5,1,'transferred','2026-03-02 02:28:00.000000','transferred',2,4,NULL,'{"to_ticket": 13, "field": "HT", "counter": null}');
INSERT INTO "ticket_events" VALUES(33,13,1,'issued','2026-03-02 02:28:00.000000','waiting',NULL,4,NULL,'{"number": "B002", "field": "HT", "from_ticket": 5}');
INSERT INTO "ticket_events" VALUES(34,11,1,'cancelled','2026-03-02 02:28:00.000000','cancelled',NULL,2,NULL,'{}');
INSERT INTO "ticket_events" VALUES(35,14,1,'issued','2026-03-03 02:28:00.000000','waiting',NULL,NULL,1,'{"number": "A001", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(36,15,1,'issued','2026-03-03 02:28:40.000000','waiting',NULL,NULL,1,'{"number": "B001", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(37,16,1,'issued','2026-03-03 02:29:20.000000','waiting',NULL,NULL,1,'{"number": "C001", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(38,17,1,'issued','2026-03-03 02:30:00.000000','waiting',NULL,NULL,1,'{"number": "A002", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(39,18,1,'issued','2026-03-03 02:30:40.000000','waiting',NULL,NULL,1,'{"number": "B002", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(40,19,1,'issued','2026-03-03 02:31:20.000000','waiting',NULL,NULL,1,'{"number": "C002", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(41,20,1,'issued','2026-03-03 02:32:00.000000','waiting',NULL,NULL,1,'{"number": "A003", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(42,21,1,'issued','2026-03-03 02:32:40.000000','waiting',NULL,NULL,1,'{"number": "B003", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(43,22,1,'issued','2026-03-03 02:33:20.000000','waiting',NULL,NULL,1,'{"number": "C003", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(44,23,1,'issued','2026-03-03 02:34:00.000000','waiting',NULL,NULL,1,'{"number": "A004", "field": "HT"}');
INSERT INTO "ticket_events" VALUES(45,24,1,'issued','2026-03-03 02:34:40.000000','waiting',NULL,NULL,1,'{"number": "B004", "field": "CT"}');
INSERT INTO "ticket_events" VALUES(46,25,1,'issued','2026-03-03 02:35:20.000000','waiting',NULL,NULL,1,'{"number": "C004", "field": "DD"}');
INSERT INTO "ticket_events" VALUES(47,13,1,'called','2026-03-03 02:36:00.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(48,13,1,'started','2026-03-03 02:36:30.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(49,13,1,'finished','2026-03-03 02:40:30.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(50,13,1,'rated','2026-03-03 02:40:30.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(51,14,1,'called','2026-03-03 02:40:30.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(52,14,1,'started','2026-03-03 02:41:00.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(53,14,1,'finished','2026-03-03 02:45:00.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(54,14,1,'rated','2026-03-03 02:45:00.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(55,17,1,'called','2026-03-03 02:45:00.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(56,17,1,'started','2026-03-03 02:45:30.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(57,17,1,'finished','2026-03-03 02:49:30.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(58,17,1,'rated','2026-03-03 02:49:30.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(59,20,1,'called','2026-03-03 02:49:30.000000','called',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(60,20,1,'started','2026-03-03 02:50:00.000000','serving',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(61,20,1,'finished','2026-03-03 02:54:00.000000','done',1,3,NULL,'{}');
INSERT INTO "ticket_events" VALUES(62,20,1,'rated','2026-03-03 02:54:00.000000','done',1,NULL,3,'{"level": "very_satisfied"}');
INSERT INTO "ticket_events" VALUES(63,8,1,'called','2026-03-03 02:54:00.000000','called',2,4,NULL,'{}');
INSERT INTO "ticket_events" VALUES(64,8,1,'no_show','2026-03-03 02:55:00.000000','no_show',2,4,NULL,'{}');
INSERT INTO "ticket_events" VALUES(65,15,1,'called','2026-03-03 02:55:00.000000','called',2,4,NULL,'{}');
INSERT INTO "ticket_events" VALUES(66,15,1,'transferred','2026-03-03 02:56:00.000000','transferred',2,4,NULL,'{"to_ticket": 26, "field": "HT", "counter": null}');
INSERT INTO "ticket_events" VALUES(67,26,1,'issued','2026-03-03 02:56:00.000000','waiting',NULL,4,NULL,'{"number": "B001", "field": "HT", "from_ticket": 15}');
INSERT INTO "ticket_events" VALUES(68,24,1,'cancelled','2026-03-03 02:56:00.000000','cancelled',NULL,2,NULL,'{}');
INSERT INTO "ticket_events" VALUES(69,26,1,'called','2026-03-03 02:56:00.000000','called',1,3,NULL,'{}');
CREATE TABLE ticket_records (
	id INTEGER NOT NULL, 
	ticket_id INTEGER NOT NULL, 
	code VARCHAR(64) NOT NULL, 
	user_id INTEGER, 
	added_at DATETIME NOT NULL, 
	CONSTRAINT pk_ticket_records PRIMARY KEY (id), 
	CONSTRAINT fk_ticket_records_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id), 
	CONSTRAINT fk_ticket_records_user_id_users FOREIGN KEY(user_id) REFERENCES users (id), 
	CONSTRAINT uq_ticket_records_ticket_id UNIQUE (ticket_id, code)
);
INSERT INTO "ticket_records" VALUES(1,1,'H00001',3,'2026-03-02 02:08:30.000000');
INSERT INTO "ticket_records" VALUES(2,4,'H00004',3,'2026-03-02 02:13:00.000000');
INSERT INTO "ticket_records" VALUES(3,7,'H00007',3,'2026-03-02 02:17:30.000000');
INSERT INTO "ticket_records" VALUES(4,10,'H00010',3,'2026-03-02 02:22:00.000000');
INSERT INTO "ticket_records" VALUES(5,13,'H00013',3,'2026-03-03 02:36:30.000000');
INSERT INTO "ticket_records" VALUES(6,14,'H00014',3,'2026-03-03 02:41:00.000000');
INSERT INTO "ticket_records" VALUES(7,17,'H00017',3,'2026-03-03 02:45:30.000000');
INSERT INTO "ticket_records" VALUES(8,20,'H00020',3,'2026-03-03 02:50:00.000000');
CREATE TABLE ticket_sequences (
	field_id INTEGER NOT NULL, 
	service_day DATE NOT NULL, 
	last_value INTEGER NOT NULL, 
	CONSTRAINT pk_ticket_sequences PRIMARY KEY (field_id, service_day), 
	CONSTRAINT fk_ticket_sequences_field_id_fields FOREIGN KEY(field_id) REFERENCES fields (id)
);
INSERT INTO "ticket_sequences" VALUES(1,'2026-03-02',4);
INSERT INTO "ticket_sequences" VALUES(2,'2026-03-02',4);
INSERT INTO "ticket_sequences" VALUES(3,'2026-03-02',4);
INSERT INTO "ticket_sequences" VALUES(1,'2026-03-03',4);
INSERT INTO "ticket_sequences" VALUES(2,'2026-03-03',4);
INSERT INTO "ticket_sequences" VALUES(3,'2026-03-03',4);
CREATE TABLE tickets (
	id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	field_id INTEGER NOT NULL, 
	origin_field_id INTEGER NOT NULL, 
	service_day DATE NOT NULL, 
	sequence INTEGER NOT NULL, 
	number VARCHAR(16) NOT NULL, 
	priority BOOLEAN NOT NULL, 
	priority_category VARCHAR(32), 
	source VARCHAR(16) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	issued_at DATETIME NOT NULL, 
	queued_at DATETIME NOT NULL, 
	called_at DATETIME, 
	started_at DATETIME, 
	finished_at DATETIME, 
	counter_id INTEGER, 
	officer_id INTEGER, 
	target_counter_id INTEGER, 
	device_id INTEGER, 
	tracking_token VARCHAR(64) NOT NULL, 
	transferred_from_id INTEGER, 
	CONSTRAINT pk_tickets PRIMARY KEY (id), 
	CONSTRAINT ck_tickets_status CHECK (status IN ('waiting', 'called', 'serving', 'done', 'no_show', 'transferred', 'cancelled')), 
	CONSTRAINT fk_tickets_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id), 
	CONSTRAINT fk_tickets_counter_id_counters FOREIGN KEY(counter_id) REFERENCES counters (id), 
	CONSTRAINT fk_tickets_device_id_devices FOREIGN KEY(device_id) REFERENCES devices (id), 
	CONSTRAINT fk_tickets_field_id_fields FOREIGN KEY(field_id) REFERENCES fields (id), 
	CONSTRAINT fk_tickets_officer_id_users FOREIGN KEY(officer_id) REFERENCES users (id), 
	CONSTRAINT fk_tickets_origin_field_id_fields FOREIGN KEY(origin_field_id) REFERENCES fields (id), 
	CONSTRAINT fk_tickets_target_counter_id_counters FOREIGN KEY(target_counter_id) REFERENCES counters (id), 
	CONSTRAINT fk_tickets_transferred_from_id_tickets FOREIGN KEY(transferred_from_id) REFERENCES tickets (id)
);
INSERT INTO "tickets" VALUES(1,1,1,1,'2026-03-02',1,'A001',0,NULL,'kiosk','done','2026-03-02 02:00:00.000000','2026-03-02 02:00:00.000000','2026-03-02 02:08:00.000000','2026-03-02 02:08:30.000000','2026-03-02 02:12:30.000000',1,3,NULL,1,'oJLUkL4B5fYVtxepDYZSkL72',NULL);
INSERT INTO "tickets" VALUES(2,1,2,2,'2026-03-02',1,'B001',0,NULL,'kiosk','no_show','2026-03-02 02:00:40.000000','2026-03-02 02:00:40.000000','2026-03-02 02:26:00.000000',NULL,'2026-03-02 02:27:00.000000',2,4,NULL,1,'EAoMbPw00UdRpZhk5-iaVK-0',NULL);
INSERT INTO "tickets" VALUES(3,1,3,3,'2026-03-02',1,'C001',0,NULL,'kiosk','waiting','2026-03-02 02:01:20.000000','2026-03-02 02:01:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'iN7uDQIGGKs3jX1ujA8pOa1_',NULL);
INSERT INTO "tickets" VALUES(4,1,1,1,'2026-03-02',2,'A002',0,NULL,'kiosk','done','2026-03-02 02:02:00.000000','2026-03-02 02:02:00.000000','2026-03-02 02:12:30.000000','2026-03-02 02:13:00.000000','2026-03-02 02:17:00.000000',1,3,NULL,1,'NT-PY14BDcN2bZbbtJwy9L3v',NULL);
INSERT INTO "tickets" VALUES(5,1,2,2,'2026-03-02',2,'B002',0,NULL,'kiosk','transferred','2026-03-02 02:02:40.000000','2026-03-02 02:02:40.000000','2026-03-02 02:27:00.000000',NULL,'2026-03-02 02:28:00.000000',2,4,NULL,1,'bS3N3I_w892JrfIi86R_jPS1',NULL);
INSERT INTO "tickets" VALUES(6,1,3,3,'2026-03-02',2,'C002',1,'elderly','kiosk','waiting','2026-03-02 02:03:20.000000','2026-03-02 02:03:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'5HzRw4zfYTQsp7kwBvAanaX2',NULL);
INSERT INTO "tickets" VALUES(7,1,1,1,'2026-03-02',3,'A003',0,NULL,'kiosk','done','2026-03-02 02:04:00.000000','2026-03-02 02:04:00.000000','2026-03-02 02:17:00.000000','2026-03-02 02:17:30.000000','2026-03-02 02:21:30.000000',1,3,NULL,1,'XAQ9DhcQ07Fjy9McGlUrK1VI',NULL);
INSERT INTO "tickets" VALUES(8,1,2,2,'2026-03-02',3,'B003',0,NULL,'kiosk','no_show','2026-03-02 02:04:40.000000','2026-03-02 02:04:40.000000','2026-03-03 02:54:00.000000',NULL,'2026-03-03 02:55:00.000000',2,4,NULL,1,'ZFNDhJENd56bYJSeeY1TK4ZU',NULL);
INSERT INTO "tickets" VALUES(9,1,3,3,'2026-03-02',3,'C003',0,NULL,'kiosk','waiting','2026-03-02 02:05:20.000000','2026-03-02 02:05:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'r4QdFPegQV3B83prrkgo8zNq',NULL);
INSERT INTO "tickets" VALUES(10,1,1,1,'2026-03-02',4,'A004',0,NULL,'kiosk','done','2026-03-02 02:06:00.000000','2026-03-02 02:06:00.000000','2026-03-02 02:21:30.000000','2026-03-02 02:22:00.000000','2026-03-02 02:26:00.000000',1,3,NULL,1,'gBvQGF_UjBQjAYAJfbUVf2F5',NULL);
INSERT INTO "tickets" VALUES(11,1,2,2,'2026-03-02',4,'B004',0,NULL,'kiosk','cancelled','2026-03-02 02:06:40.000000','2026-03-02 02:06:40.000000',NULL,NULL,'2026-03-02 02:28:00.000000',NULL,NULL,NULL,1,'ZY2mws6159VzLoRfQp9aGqNv',NULL);
INSERT INTO "tickets" VALUES(12,1,3,3,'2026-03-02',4,'C004',0,NULL,'kiosk','waiting','2026-03-02 02:07:20.000000','2026-03-02 02:07:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'ezDwUa3IBAdsq0l--ugGfiAI',NULL);
INSERT INTO "tickets" VALUES(13,1,1,2,'2026-03-02',2,'B002',0,NULL,'transfer','done','2026-03-02 02:28:00.000000','2026-03-02 02:02:40.000000','2026-03-03 02:36:00.000000','2026-03-03 02:36:30.000000','2026-03-03 02:40:30.000000',1,3,NULL,NULL,'bS3N3I_w892JrfIi86R_jPS1',5);
INSERT INTO "tickets" VALUES(14,1,1,1,'2026-03-03',1,'A001',0,NULL,'kiosk','done','2026-03-03 02:28:00.000000','2026-03-03 02:28:00.000000','2026-03-03 02:40:30.000000','2026-03-03 02:41:00.000000','2026-03-03 02:45:00.000000',1,3,NULL,1,'UQTZwLiStTRG-Ikl7iT-aAQj',NULL);
INSERT INTO "tickets" VALUES(15,1,2,2,'2026-03-03',1,'B001',0,NULL,'kiosk','transferred','2026-03-03 02:28:40.000000','2026-03-03 02:28:40.000000','2026-03-03 02:55:00.000000',NULL,'2026-03-03 02:56:00.000000',2,4,NULL,1,'6nn5027c9anof3UI1u2dLQ2D',NULL);
INSERT INTO "tickets" VALUES(16,1,3,3,'2026-03-03',1,'C001',0,NULL,'kiosk','waiting','2026-03-03 02:29:20.000000','2026-03-03 02:29:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'SVA4u2QIRIDYbhKcX234qeBz',NULL);
INSERT INTO "tickets" VALUES(17,1,1,1,'2026-03-03',2,'A002',0,NULL,'kiosk','done','2026-03-03 02:30:00.000000','2026-03-03 02:30:00.000000','2026-03-03 02:45:00.000000','2026-03-03 02:45:30.000000','2026-03-03 02:49:30.000000',1,3,NULL,1,'a5OIajzi7cdLeXg7MN6Bk0qs',NULL);
INSERT INTO "tickets" VALUES(18,1,2,2,'2026-03-03',2,'B002',0,NULL,'kiosk','waiting','2026-03-03 02:30:40.000000','2026-03-03 02:30:40.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'D24j1xyL3gte-I-T7Oktu7Eg',NULL);
INSERT INTO "tickets" VALUES(19,1,3,3,'2026-03-03',2,'C002',1,'elderly','kiosk','waiting','2026-03-03 02:31:20.000000','2026-03-03 02:31:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'H11jGg7R9HuH8RSxARWwZx1j',NULL);
INSERT INTO "tickets" VALUES(20,1,1,1,'2026-03-03',3,'A003',0,NULL,'kiosk','done','2026-03-03 02:32:00.000000','2026-03-03 02:32:00.000000','2026-03-03 02:49:30.000000','2026-03-03 02:50:00.000000','2026-03-03 02:54:00.000000',1,3,NULL,1,'pMESloZwsQZBLovaTQKAbxti',NULL);
INSERT INTO "tickets" VALUES(21,1,2,2,'2026-03-03',3,'B003',0,NULL,'kiosk','waiting','2026-03-03 02:32:40.000000','2026-03-03 02:32:40.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'4U1yrrf6TR9HL05EYccYSI0G',NULL);
INSERT INTO "tickets" VALUES(22,1,3,3,'2026-03-03',3,'C003',0,NULL,'kiosk','waiting','2026-03-03 02:33:20.000000','2026-03-03 02:33:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'0PEHuvCaPoXKHqw3TeIDqFoK',NULL);
INSERT INTO "tickets" VALUES(23,1,1,1,'2026-03-03',4,'A004',0,NULL,'kiosk','waiting','2026-03-03 02:34:00.000000','2026-03-03 02:34:00.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'3_-6UFZxThGmVTtYnHztg7iF',NULL);
INSERT INTO "tickets" VALUES(24,1,2,2,'2026-03-03',4,'B004',0,NULL,'kiosk','cancelled','2026-03-03 02:34:40.000000','2026-03-03 02:34:40.000000',NULL,NULL,'2026-03-03 02:56:00.000000',NULL,NULL,NULL,1,'Vlm6-S6CkvB_jkgcxuluzgBR',NULL);
INSERT INTO "tickets" VALUES(25,1,3,3,'2026-03-03',4,'C004',0,NULL,'kiosk','waiting','2026-03-03 02:35:20.000000','2026-03-03 02:35:20.000000',NULL,NULL,NULL,NULL,NULL,NULL,1,'fKkZe0Q5Zg9Y9NHQLxdpW51K',NULL);
INSERT INTO "tickets" VALUES(26,1,1,2,'2026-03-03',1,'B001',0,NULL,'transfer','called','2026-03-03 02:56:00.000000','2026-03-03 02:28:40.000000','2026-03-03 02:56:00.000000',NULL,NULL,1,3,NULL,NULL,'6nn5027c9anof3UI1u2dLQ2D',15);
CREATE TABLE "users" (
	id INTEGER NOT NULL, 
	centre_id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	full_name VARCHAR(200) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	password_hash VARCHAR(256) NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	session_epoch INTEGER DEFAULT '0' NOT NULL, 
	all_centres BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	CONSTRAINT uq_users_username UNIQUE (username), 
	CONSTRAINT ck_users_role CHECK (role IN ('admin', 'manager', 'officer')), 
	CONSTRAINT fk_users_centre_id_centres FOREIGN KEY(centre_id) REFERENCES centres (id)
);
INSERT INTO "users" VALUES(1,1,'admin','','admin','pbkdf2:sha256:1000$hsGclnRB6zSLMzYv$d6d1496895bdd9a21c28b26a43462ca9a7642fd8fea641457a64ee0da06c2f75',1,'2026-03-02 02:00:00.000000',0,0);
INSERT INTO "users" VALUES(2,1,'manager','','manager','pbkdf2:sha256:1000$e0iLShx9QNHLpjfb$7bc207ed52aac6ec6d4e55f228ea13fa4958d72b522698cb85605627ba8211a9',1,'2026-03-02 02:00:00.000000',0,0);
INSERT INTO "users" VALUES(3,1,'officer1','','officer','pbkdf2:sha256:1000$pe5gX4H4G7usjhuV$b26b64d53aa6bbc558ef65ab84908fa464552373a0cb9cebcc7b4de66032835f',1,'2026-03-02 02:00:00.000000',0,0);
INSERT INTO "users" VALUES(4,1,'officer2','','officer','pbkdf2:sha256:1000$XALfT0D2RjRZmpEn$6786258a46c4d0523ff6c0afb5c2ba31485c8d8dc959117e66043857db1e3cae',1,'2026-03-02 02:00:00.000000',0,0);
INSERT INTO "users" VALUES(5,1,'officer3','','officer','pbkdf2:sha256:1000$HOK2mMNc33jQ2wOA$196993b1ecd9a9cb921c11ee0b5154f9d9ca27b465c20ccf4ccf33e6234e3c31',1,'2026-03-02 02:00:00.000000',0,0);
CREATE INDEX ix_fields_centre_id ON fields (centre_id);
CREATE INDEX ix_api_tokens_user_id ON api_tokens (user_id);
CREATE INDEX ix_counters_centre_id ON counters (centre_id);
CREATE INDEX ix_devices_centre_id ON devices (centre_id);
CREATE INDEX ix_tickets_day ON tickets (centre_id, service_day);
CREATE INDEX ix_tickets_queue ON tickets (centre_id, status, field_id);
CREATE INDEX ix_tickets_tracking_token ON tickets (tracking_token);
CREATE UNIQUE INDEX uq_tickets_active_counter ON tickets (counter_id) WHERE status IN ('called', 'serving');
CREATE UNIQUE INDEX uq_tickets_number ON tickets (origin_field_id, service_day, sequence) WHERE transferred_from_id IS NULL;
CREATE INDEX ix_ratings_centre_id ON ratings (centre_id);
CREATE INDEX ix_ticket_events_recent ON ticket_events (centre_id, kind, at);
CREATE INDEX ix_ticket_events_ticket_id ON ticket_events (ticket_id);
CREATE INDEX ix_print_jobs_due ON print_jobs (status, device_id);
CREATE INDEX ix_print_jobs_ticket_id ON print_jobs (ticket_id);
CREATE INDEX ix_ticket_records_ticket_id ON ticket_records (ticket_id);
CREATE TRIGGER tickets_line_insert AFTER INSERT ON tickets BEGIN
INSERT INTO line_counts (field_id, normal, priority)
SELECT NEW.field_id, NOT NEW.priority, NEW.priority WHERE NEW.status = 'waiting' AND NEW.target_counter_id IS NULL
ON CONFLICT (field_id) DO UPDATE SET normal = normal + excluded.normal,
                                     priority = priority + excluded.priority; END;
CREATE TRIGGER tickets_line_update AFTER UPDATE OF status, field_id, target_counter_id, priority ON tickets BEGIN
UPDATE line_counts SET normal = normal - (NOT OLD.priority), priority = priority - OLD.priority
WHERE field_id = OLD.field_id AND OLD.status = 'waiting' AND OLD.target_counter_id IS NULL;
INSERT INTO line_counts (field_id, normal, priority)
SELECT NEW.field_id, NOT NEW.priority, NEW.priority WHERE NEW.status = 'waiting' AND NEW.target_counter_id IS NULL
ON CONFLICT (field_id) DO UPDATE SET normal = normal + excluded.normal,
                                     priority = priority + excluded.priority; END;
CREATE TRIGGER tickets_line_delete AFTER DELETE ON tickets BEGIN
UPDATE line_counts SET normal = normal - (NOT OLD.priority), priority = priority - OLD.priority
WHERE field_id = OLD.field_id AND OLD.status = 'waiting' AND OLD.target_counter_id IS NULL; END;
CREATE INDEX ix_tickets_line ON tickets (field_id, status, priority, queued_at, id) WHERE target_counter_id IS NULL;
CREATE INDEX ix_tickets_target ON tickets (target_counter_id, status, priority, queued_at, id) WHERE target_counter_id IS NOT NULL;
CREATE INDEX ix_audit_log_centre_at ON audit_log (centre_id, at);
CREATE INDEX ix_users_centre_id ON users (centre_id);
COMMIT;
