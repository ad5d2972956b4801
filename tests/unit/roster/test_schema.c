/* The OneRoster tables: file counts, orders, references. */
#include "roster/schema.h"

#include <check.h>
#include <string.h>

Suite *suite_roster_schema(void);

START_TEST(file_sets)
{
	size_t n11, n12;
	const cw_or_file *v11 = cw_or_files(CW_OR_V1P1, &n11);
	const cw_or_file *v12 = cw_or_files(CW_OR_V1P2, &n12);

	ck_assert_uint_eq(n11, 13);
	ck_assert_uint_eq(n12, 21);
	for (size_t i = 0; i < n12; i++) {
		/* 1.2 is listed in entity order; names come from it. */
		ck_assert_int_eq(v12[i].entity, (int)i);
		ck_assert_str_eq(cw_or_entity_name(v12[i].entity), v12[i].name);
		ck_assert_str_eq(v12[i].columns[0].name, "sourcedId");
		ck_assert_str_eq(v12[i].columns[1].name, "status");
		ck_assert_str_eq(v12[i].columns[2].name, "dateLastModified");
	}
	for (size_t i = 0; i < n11; i++)
		ck_assert_ptr_eq(cw_or_file_named(CW_OR_V1P1, v11[i].name),
		                 &v11[i]);
	ck_assert_ptr_null(cw_or_file_for(CW_OR_V1P1, CW_OR_ROLES));
	ck_assert_ptr_nonnull(cw_or_file_for(CW_OR_V1P2, CW_OR_ROLES));
}
END_TEST

/* The stored model: the 1.2 files, then the tables the REST binding alone
 * has (the assessment profile), none of them a CSV file. */
START_TEST(model_tables)
{
	size_t n, csv;
	const cw_or_file *model = cw_or_model_files(&n);
	const cw_or_file *v12 = cw_or_files(CW_OR_V1P2, &csv);

	ck_assert_uint_eq(n, CW_OR_ENTITY_COUNT);
	ck_assert_uint_eq(csv, CW_OR_CSV_ENTITY_COUNT);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(model[i].entity, (int)i);
		ck_assert_ptr_eq(cw_or_model_file((cw_or_entity)i), &model[i]);
		ck_assert_uint_lt(model[i].column_count, CW_OR_MAX_COLUMNS);
		if (i < csv)
			ck_assert_ptr_eq(&v12[i], &model[i]);
		else
			ck_assert_ptr_null(
			        cw_or_file_for(CW_OR_V1P2, (cw_or_entity)i));
	}
	ck_assert_ptr_null(cw_or_file_named(CW_OR_V1P2, "assessmentResults"));
	ck_assert_str_eq(cw_or_entity_name(CW_OR_ASSESSMENT_RESULTS),
	                 "assessmentResults");
	ck_assert_ptr_null(cw_or_model_file(CW_OR_NONE));
	ck_assert_ptr_null(cw_or_model_file(CW_OR_ENTITY_COUNT));
}
END_TEST

START_TEST(column_orders)
{
	const cw_or_file *users = cw_or_file_for(CW_OR_V1P2, CW_OR_USERS);
	const cw_or_file *users11 = cw_or_file_for(CW_OR_V1P1, CW_OR_USERS);
	const cw_or_file *items11 =
	        cw_or_file_for(CW_OR_V1P1, CW_OR_LINE_ITEMS);

	ck_assert_uint_eq(users->column_count, 22);
	ck_assert_uint_eq(users11->column_count, 18);
	ck_assert_int_eq(cw_or_column_index(users11, "orgSourcedIds"), 4);
	ck_assert_int_eq(cw_or_column_index(users11, "role"), 5);
	ck_assert_int_eq(cw_or_column_index(users, "pronouns"), 21);
	ck_assert_int_eq(cw_or_column_index(users, "role"), -1);
	ck_assert_int_ge(cw_or_column_index(items11, "gradingPeriodSourcedId"),
	                 0);
}
END_TEST

START_TEST(references_point_at_known_files)
{
	size_t n;
	const cw_or_file *files = cw_or_model_files(&n);

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < files[i].column_count; k++) {
			const cw_or_column *c = &files[i].columns[k];
			if (c->type == CW_OR_GUID_LIST ||
			    (c->type == CW_OR_GUID && k > 0))
				ck_assert_msg(c->ref >= 0, "%s.%s",
				              files[i].name, c->name);
			if (c->type == CW_OR_ENUM || c->type == CW_OR_ENUM_LIST)
				ck_assert_ptr_nonnull(c->values);
		}
}
END_TEST

START_TEST(column_counts_are_bounded)
{
	for (int v = 0; v < 2; v++) {
		size_t n;
		const cw_or_file *files =
		        cw_or_files(v ? CW_OR_V1P2 : CW_OR_V1P1, &n);

		for (size_t i = 0; i < n; i++)
			ck_assert_msg(files[i].column_count < CW_OR_MAX_COLUMNS,
			              "%s", files[i].name);
	}
}
END_TEST

Suite *suite_roster_schema(void)
{
	Suite *s = suite_create("roster/schema");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, file_sets);
	tcase_add_test(tc, model_tables);
	tcase_add_test(tc, column_counts_are_bounded);
	tcase_add_test(tc, column_orders);
	tcase_add_test(tc, references_point_at_known_files);
	suite_add_tcase(s, tc);
	return s;
}
