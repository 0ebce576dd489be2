/* The logger writes to the chosen sink, filters by level, formats JSON lines. */
#include "test_support.h"

#include "base/log.h"

#include <string.h>

typedef struct captured {
    char line[4096];
    int count;
    aw_log_level level;
} captured;

static void capture_sink(void *ctx, aw_log_level level, const char *line, size_t len) {
    captured *c = ctx;
    memcpy(c->line, line, len);
    c->line[len] = '\0';
    c->level = level;
    c->count++;
}

static void human_lines_reach_the_sink(void **state) {
    (void)state;
    captured c = {0};
    aw_log_config cfg = {AW_LOG_INFO, AW_LOG_HUMAN, capture_sink, &c};
    aw_log_configure(&cfg);
    aw__log(AW_LOG_WARN, "scheduler", "worker %d is slow", 3);
    assert_int_equal(c.count, 1);
    assert_int_equal(c.level, AW_LOG_WARN);
    assert_non_null(strstr(c.line, "warn"));
    assert_non_null(strstr(c.line, "[scheduler] worker 3 is slow"));
    AW__LOG(AW_LOG_DEBUG, "x", "dropped");
    assert_int_equal(c.count, 1);
    aw_log_configure(NULL);
}

static void json_lines_are_escaped(void **state) {
    (void)state;
    captured c = {0};
    aw_log_config cfg = {AW_LOG_TRACE, AW_LOG_JSON, capture_sink, &c};
    aw_log_configure(&cfg);
    aw__log(AW_LOG_INFO, "component:a\"b", "line1\nsaid \"hi\"\x01");
    assert_int_equal(c.count, 1);
    assert_int_equal(strncmp(c.line, "{\"ts\":\"", 7), 0);
    assert_non_null(strstr(c.line, "\"level\":\"info\""));
    assert_non_null(strstr(c.line, "\"source\":\"component:a\\\"b\""));
    assert_non_null(strstr(c.line, "\"msg\":\"line1\\nsaid \\\"hi\\\"\\u0001\"}"));
    aw_log_configure(NULL);
}

static void long_messages_are_truncated_safely(void **state) {
    (void)state;
    captured c = {0};
    aw_log_config cfg = {AW_LOG_TRACE, AW_LOG_JSON, capture_sink, &c};
    aw_log_configure(&cfg);
    char big[3000];
    memset(big, '"', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    aw__log(AW_LOG_ERROR, big, "%s", big);
    assert_int_equal(c.count, 1);
    assert_true(strlen(c.line) < 2048);
    aw_log_configure(NULL);
}

static void level_names_parse(void **state) {
    (void)state;
    aw_log_level level;
    assert_int_equal(aw_log_level_parse("warn", &level), AW_OK);
    assert_int_equal(level, AW_LOG_WARN);
    assert_int_equal(aw_log_level_parse("loud", &level), AW_INVALID_ARGUMENT);
    assert_string_equal(aw_log_level_name(AW_LOG_ERROR), "error");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(human_lines_reach_the_sink),
        cmocka_unit_test(json_lines_are_escaped),
        cmocka_unit_test(long_messages_are_truncated_safely),
        cmocka_unit_test(level_names_parse),
    };
    return AW_TEST_RUN(tests);
}
