DROP TABLE take_action_guides;
